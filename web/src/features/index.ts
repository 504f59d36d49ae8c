// The sections of the UI. The router, the menu and the texts are built from this list; a new
// section is a folder under features/ and one line here (see web/README.md).

import type { Feature } from '@/shared/feature'
import advisor from './advisor'
import analytics from './analytics'
import auth from './auth'
import catalog from './catalog'
import community from './community'
import customers from './customers'
import dashboard from './dashboard'
import data from './data'
import feedback from './feedback'
import marketing from './marketing'
import notices from './notices'
import orders from './orders'
import partners from './partners'
import recommend from './recommend'
import referrals from './referrals'
import search from './search'
import service from './service'
import settings from './settings'
import social from './social'
import traffic from './traffic'

export const features: readonly Feature[] = [
  auth,
  dashboard,
  customers,
  orders,
  catalog,
  analytics,
  recommend,
  marketing,
  service,
  social,
  feedback,
  notices,
  community,
  referrals,
  advisor,
  partners,
  data,
  traffic,
  settings,
  search,
]
