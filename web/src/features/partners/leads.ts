// Helpers of the lead pages: a status's tag colour, and which of a partner's lead rules matches
// a lead best (the server's own test, src/partners/leads_service.cpp).

import type { Lead, LeadRule, LeadStatus } from './types'

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

/** The tag colour of a lead status. */
export function leadStatusTag(status: LeadStatus): TagType {
  switch (status) {
    case 'new':
      return 'info'
    case 'routed':
      return 'warning'
    case 'accepted':
      return 'primary'
    case 'won':
      return 'success'
    case 'declined':
    case 'lost':
    case 'expired':
      return 'danger'
  }
  return 'info'
}

/**
 * How well a rule matches a lead, as the server ranks it: null when it does not match; else its
 * priority and how much of the lead it names (region 4, country 2, category 1).
 */
function match(lead: Lead, rule: LeadRule): [number, number] | null {
  let named = 0
  if (rule.countries.length > 0) {
    if (!rule.countries.includes(lead.country)) return null
    named += 2
  }
  if (rule.regions.length > 0) {
    const region = lead.region.toLowerCase()
    if (!region || !rule.regions.some((r) => r.toLowerCase() === region)) return null
    named += 4
  }
  if (rule.category_ids.length > 0) {
    if (lead.category_id == null || !rule.category_ids.includes(lead.category_id)) return null
    named += 1
  }
  return [rule.priority, named]
}

/** The partner's rule that matches the lead best, or null when none does. */
export function bestRule(lead: Lead, rules: readonly LeadRule[]): LeadRule | null {
  let best: { rule: LeadRule; score: [number, number] } | null = null
  for (const rule of rules) {
    const score = match(lead, rule)
    if (!score) continue
    if (!best || score[0] > best.score[0] || (score[0] === best.score[0] && score[1] > best.score[1])) best = { rule, score }
  }
  return best?.rule ?? null
}
