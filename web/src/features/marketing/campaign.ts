// A campaign's audience as the builder edits it (the customer list's filters, plus tier, segment
// and a least CLV in the shop's currency) and as the API takes it (`CustomerQuery`), and the
// words for a stored audience.

import { i18n } from '@/shared/i18n'
import { dayRange, formatDate, formatMoney, fromMinor, toMinor } from '@/shared/format'
import type { CustomerType } from '@/features/customers/types'
import type { Segment, Tier } from '@/features/analytics/types'
import type { CampaignStatus, CustomerQuery } from '@/features/marketing/types'

export interface AudienceDraft {
  q: string
  type: CustomerType | ''
  tag: string
  city: string
  /** First and last day, "YYYY-MM-DD". */
  created: string[] | null
  tier: Tier | ''
  segment: Segment | ''
  /** In the currency's major unit. */
  min_clv: number | null
  /** Advisor answers: the questionnaire, its question and the options (any of them). */
  advisor_questionnaire: number | null
  advisor_question: string
  advisor_answer: string[]
}

export function emptyAudience(): AudienceDraft {
  return {
    q: '',
    type: '',
    tag: '',
    city: '',
    created: null,
    tier: '',
    segment: '',
    min_clv: null,
    advisor_questionnaire: null,
    advisor_question: '',
    advisor_answer: [],
  }
}

const orNull = (value: string) => (value.trim() === '' ? null : value.trim())

export function toQuery(a: AudienceDraft, currency: string): CustomerQuery {
  const created = dayRange(a.created)
  return {
    q: orNull(a.q),
    type: a.type || null,
    tag: orNull(a.tag),
    city: orNull(a.city),
    created_from: created.from,
    created_to: created.to,
    tier: a.tier || null,
    segment: a.segment || null,
    min_clv: a.min_clv === null ? null : toMinor(a.min_clv, currency),
    advisor_questionnaire: a.advisor_questionnaire,
    advisor_question: a.advisor_questionnaire === null ? null : orNull(a.advisor_question),
    advisor_answer: a.advisor_questionnaire === null || a.advisor_answer.length === 0 ? null : a.advisor_answer.join(','),
  }
}

/** The stored audience's filters in words, one per filter; none: every customer. */
export function describeAudience(q: CustomerQuery, currency: string): { key: string; text: string }[] {
  const t = i18n.global.t
  const out: { key: string; text: string }[] = []
  if (q.q) out.push({ key: 'q', text: t('marketing.audience.describe.q', { q: q.q }) })
  if (q.type) out.push({ key: 'type', text: t('marketing.audience.describe.type', { type: t(`customers.types.${q.type}`) }) })
  if (q.tag) out.push({ key: 'tag', text: t('marketing.audience.describe.tag', { tag: q.tag }) })
  if (q.city) out.push({ key: 'city', text: t('marketing.audience.describe.city', { city: q.city }) })
  if (q.created_from !== null || q.created_to !== null) {
    out.push({
      key: 'created',
      text: t('marketing.audience.describe.created', {
        from: q.created_from === null ? '…' : formatDate(q.created_from),
        // created_to is the midnight after the last day
        to: q.created_to === null ? '…' : formatDate(q.created_to - 1),
      }),
    })
  }
  if (q.tier) out.push({ key: 'tier', text: t('marketing.audience.describe.tier', { tier: t(`analytics.tiers.${q.tier}`) }) })
  if (q.segment) {
    out.push({ key: 'segment', text: t('marketing.audience.describe.segment', { segment: t(`analytics.segments.${q.segment}`) }) })
  }
  if (q.min_clv !== null) {
    out.push({ key: 'min_clv', text: t('marketing.audience.describe.minClv', { amount: formatMoney(q.min_clv, currency) }) })
  }
  if (q.advisor_questionnaire !== null) {
    out.push({
      key: 'advisor',
      text: t('marketing.audience.describe.advisor', {
        id: q.advisor_questionnaire,
        question: q.advisor_question ?? '*',
        options: q.advisor_answer ?? '*',
      }),
    })
  }
  return out
}

/** A stored least CLV in the form's unit. */
export function minClvShown(minor: number | null, currency: string): number | null {
  return minor === null ? null : fromMinor(minor, currency)
}

export function campaignStatusTag(status: CampaignStatus): 'primary' | 'success' | 'info' | 'warning' {
  switch (status) {
    case 'sent':
      return 'success'
    case 'scheduled':
      return 'primary'
    case 'draft':
      return 'warning'
    default:
      return 'info'
  }
}

/** A rate the server sends as a percentage with one decimal ("12.5") as a ratio (0.125); null when unreadable. */
export function percentText(text: string): number | null {
  const value = Number(text)
  return text.trim() !== '' && Number.isFinite(value) ? value / 100 : null
}
