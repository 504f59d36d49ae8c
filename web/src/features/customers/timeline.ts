// How a timeline entry looks: its text in the UI's language, icon, colour and link.
// Entries of kinds this UI does not know yet (added later by other capabilities) fall back to
// the server's one-line summary and a neutral look.

import type { Component } from 'vue'
import {
  ChatDotRound,
  ChatLineRound,
  CircleCheck,
  CircleClose,
  Connection,
  InfoFilled,
  Money,
  RefreshLeft,
  ShoppingCart,
  Star,
  User,
  Van,
} from '@element-plus/icons-vue'
import { i18n } from '@/shared/i18n'
import type { TimelineEntry } from '@/features/customers/types'
import { enumLabel, formatMoney } from '@/shared/format'

export type TimelineType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export interface TimelineLook {
  icon: Component
  type: TimelineType
}

function num(data: Record<string, unknown>, key: string): number | null {
  const v = data[key]
  return typeof v === 'number' ? v : null
}

function str(data: Record<string, unknown>, key: string): string {
  const v = data[key]
  return typeof v === 'string' ? v : ''
}

/** The entry as one line in the current language. */
export function timelineText(entry: TimelineEntry): string {
  const t = i18n.global.t
  const d = entry.data ?? {}
  switch (entry.kind) {
    case 'customer.created':
      return t('customers.c360.timeline.kinds.customerCreated')
    case 'customer.merged':
      return t('customers.c360.timeline.kinds.customerMerged', { id: num(d, 'merged_id') ?? '?' })
    case 'customer.merged_into':
      return t('customers.c360.timeline.kinds.customerMergedInto', { id: num(d, 'survivor_id') ?? '?' })
    case 'customer.merge_undone':
      return t('customers.c360.timeline.kinds.customerMergeUndone', { id: num(d, 'merge_id') ?? '?' })
    case 'return.requested':
      return t('customers.c360.timeline.kinds.returnRequested', {
        id: num(d, 'return_id') ?? '?',
        order: num(d, 'order_id') ?? '?',
        reason: enumLabel('orders.returnReasons', str(d, 'reason')),
        status: enumLabel('orders.returnStatuses', str(d, 'status')),
      })
    case 'social.mention':
      return t('social.timeline.mention', { platform: str(d, 'platform'), text: str(d, 'excerpt') })
    case 'community.thread':
    case 'community.answer':
    case 'community.comment':
      return t(`community.timeline.${entry.kind.slice('community.'.length)}`, {
        text: str(d, 'excerpt'),
        status: enumLabel('community.statuses', str(d, 'status')),
      })
    case 'community.review':
      return t('community.timeline.review', { rating: num(d, 'rating') ?? '?', title: str(d, 'title') || entry.summary })
  }
  if (entry.kind.startsWith('order.') && num(d, 'order_id') !== null) {
    const id = num(d, 'order_id')!
    let text =
      entry.kind === 'order.placed'
        ? t('customers.c360.timeline.kinds.orderPlaced', {
            id,
            n: num(d, 'item_count') ?? 0,
            total: formatMoney(num(d, 'total'), str(d, 'currency')),
          })
        : t('customers.c360.timeline.kinds.orderStatus', { id, status: enumLabel('orders.statuses', str(d, 'status')) })
    const extra: string[] = []
    if (str(d, 'carrier')) extra.push(t('customers.c360.timeline.kinds.withCarrier', { carrier: str(d, 'carrier') }))
    if (str(d, 'tracking_number')) extra.push(t('customers.c360.timeline.kinds.withTracking', { number: str(d, 'tracking_number') }))
    if (extra.length > 0) text += ` · ${extra.join(', ')}`
    return text
  }
  return entry.summary
}

/** Icon and colour by kind. */
export function timelineLook(entry: TimelineEntry): TimelineLook {
  switch (entry.kind) {
    case 'customer.created':
      return { icon: User, type: 'primary' }
    case 'customer.merged':
    case 'customer.merged_into':
    case 'customer.merge_undone':
      return { icon: Connection, type: 'warning' }
    case 'order.placed':
      return { icon: ShoppingCart, type: 'primary' }
    case 'order.paid':
      return { icon: Money, type: 'success' }
    case 'order.shipped':
      return { icon: Van, type: 'primary' }
    case 'order.delivered':
      return { icon: CircleCheck, type: 'success' }
    case 'order.cancelled':
      return { icon: CircleClose, type: 'danger' }
    case 'order.returned':
    case 'return.requested':
      return { icon: RefreshLeft, type: 'warning' }
    case 'community.thread':
    case 'community.answer':
    case 'community.comment':
      return { icon: ChatDotRound, type: str(entry.data ?? {}, 'status') === 'visible' ? 'primary' : 'warning' }
    case 'community.review':
      return { icon: Star, type: (num(entry.data ?? {}, 'rating') ?? 3) <= 2 ? 'danger' : 'success' }
    case 'social.mention': {
      const sentiment = str(entry.data ?? {}, 'sentiment')
      return { icon: ChatLineRound, type: sentiment === 'negative' ? 'danger' : sentiment === 'positive' ? 'success' : 'info' }
    }
  }
  return { icon: InfoFilled, type: 'info' }
}

/** The community thread an entry is about, if any (for a link to staff's thread page). */
export function timelineThreadId(entry: TimelineEntry): number | null {
  return entry.kind.startsWith('community.') ? num(entry.data ?? {}, 'thread_id') : null
}

/** The order an entry is about, if any (for a link). */
export function timelineOrderId(entry: TimelineEntry): number | null {
  return num(entry.data ?? {}, 'order_id')
}
