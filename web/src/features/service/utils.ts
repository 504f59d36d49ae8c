// Small helpers shared by the ticket pages: tag colours, channel icons and the SLA clock.

import type { Component } from 'vue'
import { ChatDotRound, Document, EditPen, Message, Phone, Printer, Share, User } from '@element-plus/icons-vue'
import { i18n } from '@/shared/i18n'
import { toMs } from '@/shared/format'
import type { Channel, Priority, SlaTarget, TicketStatus, TicketSummary } from '@/features/service/types'

type TagType = 'primary' | 'success' | 'warning' | 'info' | 'danger'

export function statusTag(status: TicketStatus): TagType {
  switch (status) {
    case 'new':
      return 'danger'
    case 'open':
      return 'warning'
    case 'pending':
    case 'on_hold':
      return 'primary'
    case 'solved':
      return 'success'
    default:
      return 'info'
  }
}

export function priorityTag(priority: Priority): TagType {
  switch (priority) {
    case 'urgent':
      return 'danger'
    case 'high':
      return 'warning'
    case 'normal':
      return 'primary'
    default:
      return 'info'
  }
}

const CHANNEL_ICONS: Record<Channel, Component> = {
  web_form: Document,
  email: Message,
  phone: Phone,
  chat: ChatDotRound,
  fax: Printer,
  social: Share,
  in_person: User,
  note: EditPen,
}

export function channelIcon(channel: Channel): Component {
  return CHANNEL_ICONS[channel] ?? Document
}

/** Active tickets are in the inbox; solved and closed ones have no running SLA clock. */
export function isActive(status: TicketStatus): boolean {
  return status !== 'solved' && status !== 'closed'
}

/** The SLA target due next and when, as the server counts it (a stopped clock is left out). */
export function nextDue(t: Pick<TicketSummary, 'status' | 'sla'>): { target: SlaTarget; at: number } | null {
  if (!isActive(t.status)) return null
  let best: { target: SlaTarget; at: number } | null = null
  const take = (target: SlaTarget, value: string | null) => {
    const at = toMs(value)
    if (at !== null && (best === null || at < best.at)) best = { target, at }
  }
  if (t.sla.first_response_at === null) take('first_response', t.sla.first_response_due)
  take('next_response', t.sla.next_response_due)
  if (!t.sla.paused) take('resolution', t.sla.resolution_due)
  return best
}

/** Within this much of its due time a target counts as breaching soon (as the inbox's breaching view has it). */
export const SOON_MS = 60 * 60_000

/** A short duration: "25 min", "2 h", "3 d". */
export function shortDuration(ms: number): string {
  const t = i18n.global.t as (key: string, named?: Record<string, unknown>) => string
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000))
  if (minutes < 60) return t('service.time.minutes', { n: minutes })
  const hours = Math.round(minutes / 60)
  if (hours < 48) return t('service.time.hours', { n: hours })
  return t('service.time.days', { n: Math.round(hours / 24) })
}

/** "in 25 min" or "overdue 2 h", relative to `now`. */
export function relativeDue(at: number, now: number): string {
  const t = i18n.global.t as (key: string, named?: Record<string, unknown>) => string
  return at >= now ? t('service.time.in', { time: shortDuration(at - now) }) : t('service.time.overdue', { time: shortDuration(now - at) })
}

/** How urgent a due time is: late, due within SOON_MS, or fine. */
export function dueState(at: number, now: number): 'late' | 'soon' | 'ok' {
  if (at < now) return 'late'
  if (at - now <= SOON_MS) return 'soon'
  return 'ok'
}
