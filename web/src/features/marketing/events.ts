// What happened to messages after they were queued (sent, opened, clicked, replied, bounced, …).
// The messages API does not list a message's events; they are on the customer's 360° timeline
// (entries of source "message", with the message's id in their data), read from there.

import type { TimelineEntry } from '@/features/customers/types'
import { customersApi } from '@/features/customers/api'

export interface MessageEvent {
  kind: string
  at: number
  detail: string
}

const PAGE = 200
/** The most timeline pages read for one look-up (a customer with a very long history stops there). */
const MAX_PAGES = 10

function messageIdOf(entry: TimelineEntry): number | null {
  if (entry.source !== 'message') return null
  const id = (entry.data as Record<string, unknown> | undefined)?.message_id
  return typeof id === 'number' ? id : null
}

/**
 * The events of the customer's messages that happened at or after `since` (unix ms: the oldest
 * message wanted was queued then, so nothing older concerns it), oldest first, by message id.
 */
export async function messageEventsOf(customerId: number, since: number): Promise<Map<number, MessageEvent[]>> {
  const out = new Map<number, MessageEvent[]>()
  let cursor: string | null = null
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await customersApi.customerTimeline(customerId, { limit: PAGE, cursor })
    for (const entry of result.items) {
      const id = messageIdOf(entry)
      if (id === null) continue
      const data = entry.data as Record<string, unknown>
      const event: MessageEvent = {
        kind: typeof data.event === 'string' ? data.event : entry.kind.replace(/^message\./, ''),
        at: entry.at,
        detail: typeof data.detail === 'string' ? data.detail : '',
      }
      const list = out.get(id)
      if (list) list.unshift(event)
      else out.set(id, [event])
    }
    const last = result.items[result.items.length - 1]
    if (!result.next_cursor || !last || last.at < since) break
    cursor = result.next_cursor
  }
  return out
}

/** How often each kind of event happened to a message. */
export function countEvents(events: readonly MessageEvent[] | undefined, kind: string): number {
  return events ? events.filter((e) => e.kind === kind).length : 0
}
