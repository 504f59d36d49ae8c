// The flow editor's model: a flow's definition as the form edits it (every member present, '' for
// text left empty, `next` '' for "the following step"), what applies to each trigger, condition
// field and step type, and the conversions to and from the API's definition.

import { TIERS, SEGMENTS } from '@/features/analytics/types'
import { CUSTOMER_TYPES } from '@/features/customers/types'
import {
  END_STEP,
  TEMPLATE_LANGUAGES,
  type ConditionField,
  type ConditionOp,
  type FlowCondition,
  type FlowDefinition,
  type FlowStep,
  type FlowTrigger,
  type StepType,
  type TriggerKind,
} from '@/features/marketing/types'

/** A trigger's own members (each shown only for the kinds it applies to). */
export type TriggerMember = 'care' | 'anniversary_kind' | 'days' | 'threshold' | 'tier' | 'segment' | 'change'

const TRIGGER_MEMBERS: Partial<Record<TriggerKind, readonly TriggerMember[]>> = {
  birthday: ['care'],
  anniversary: ['care', 'anniversary_kind'],
  inactivity: ['days'],
  p_alive_below: ['threshold'],
  tier_entered: ['tier'],
  tier_left: ['tier'],
  segment_entered: ['segment'],
  segment_left: ['segment'],
  followed_changed: ['change'],
}

export function triggerMembers(kind: TriggerKind): readonly TriggerMember[] {
  return TRIGGER_MEMBERS[kind] ?? []
}

/** How a condition's field is compared, and which values it takes. */
export interface FieldShape {
  ops: readonly ConditionOp[]
  /** between: min and max; flag: no value; choice: values from `choices`; free: any values typed. */
  input: 'between' | 'flag' | 'choice' | 'free'
  choices?: readonly string[]
  /** between in minor units of money. */
  money?: boolean
  /** between over a share 0..1. */
  ratio?: boolean
}

export function fieldShape(field: ConditionField): FieldShape {
  switch (field) {
    case 'clv':
    case 'total_spend':
      return { ops: ['between'], input: 'between', money: true }
    case 'p_alive':
      return { ops: ['between'], input: 'between', ratio: true }
    case 'days_since_contact':
    case 'days_since_order':
      return { ops: ['between'], input: 'between' }
    case 'email_consent':
      return { ops: ['is_true', 'is_false'], input: 'flag' }
    case 'tags':
    case 'bought_product':
    case 'bought_category':
      return { ops: ['has_any', 'has_none'], input: 'free' }
    case 'tier':
      return { ops: ['in', 'not_in'], input: 'choice', choices: TIERS }
    case 'segment':
      return { ops: ['in', 'not_in'], input: 'choice', choices: SEGMENTS }
    case 'customer_type':
      return { ops: ['in', 'not_in'], input: 'choice', choices: CUSTOMER_TYPES }
    case 'language':
      return { ops: ['in', 'not_in'], input: 'free', choices: TEMPLATE_LANGUAGES }
  }
}

export interface ConditionDraft {
  field: ConditionField
  op: ConditionOp
  values: string[]
  min: number | null
  max: number | null
}

export interface VariantDraft {
  uid: number
  name: string
  share: number
  next: string
}

export interface StepDraft {
  /** Keeps a card's identity in the list while its id is edited. */
  uid: number
  id: string
  type: StepType
  next: string
  template_key: string
  waitMode: 'delay' | 'until'
  minutes: number | null
  until: string
  conditions: ConditionDraft[]
  then: string
  otherwise: string
  holdout_percent: number
  variants: VariantDraft[]
  add_tags: string[]
  remove_tags: string[]
  title: string
  due_days: number | null
  url: string
}

export interface TriggerDraft {
  kind: TriggerKind
  care: string
  anniversary_kind: string
  days: number | null
  threshold: number | null
  tier: string
  segment: string
  change: string
}

export interface FlowDraft {
  trigger: TriggerDraft
  conditions: ConditionDraft[]
  steps: StepDraft[]
  cancel_on_purchase: boolean
  on_cap: 'reschedule' | 'drop'
}

let uids = 0
export const nextUid = () => ++uids

export function newCondition(field: ConditionField = 'tier'): ConditionDraft {
  return { field, op: fieldShape(field).ops[0]!, values: [], min: null, max: null }
}

/** A condition moved to another field keeps what still fits it. */
export function changeField(c: ConditionDraft, field: ConditionField): void {
  const before = fieldShape(c.field)
  const after = fieldShape(field)
  c.field = field
  if (!after.ops.includes(c.op)) c.op = after.ops[0]!
  if (after.input !== before.input || after.choices !== before.choices) c.values = []
  if (after.input !== 'between' || after.money !== before.money || after.ratio !== before.ratio) {
    c.min = null
    c.max = null
  }
}

function newVariant(name: string, share: number): VariantDraft {
  return { uid: nextUid(), name, share, next: '' }
}

/** A new step of the type, with an id no other step has ("send_2"). */
export function newStep(type: StepType, steps: readonly StepDraft[]): StepDraft {
  let n = 1
  while (steps.some((s) => s.id === `${type}_${n}`)) n++
  return {
    uid: nextUid(),
    id: `${type}_${n}`,
    type,
    next: '',
    template_key: '',
    waitMode: 'delay',
    minutes: type === 'wait' ? 60 : null,
    until: '',
    conditions: type === 'branch' ? [newCondition()] : [],
    then: '',
    otherwise: '',
    holdout_percent: 0,
    variants: type === 'split' ? [newVariant('A', 50), newVariant('B', 50)] : [],
    add_tags: [],
    remove_tags: [],
    title: '',
    due_days: type === 'task' ? 3 : null,
    url: '',
  }
}

export function addVariant(step: StepDraft): void {
  const used = new Set(step.variants.map((v) => v.name))
  let code = 65
  while (used.has(String.fromCharCode(code)) && code < 90) code++
  step.variants.push(newVariant(String.fromCharCode(code), 0))
}

/** The references of one step to others (next, then, otherwise, each variant's next). */
function references(step: StepDraft): { get: () => string; set: (v: string) => void }[] {
  return [
    { get: () => step.next, set: (v) => (step.next = v) },
    { get: () => step.then, set: (v) => (step.then = v) },
    { get: () => step.otherwise, set: (v) => (step.otherwise = v) },
    ...step.variants.map((variant) => ({ get: () => variant.next, set: (v: string) => (variant.next = v) })),
  ]
}

/** A step renamed: the steps that went to it go to it under its new id. */
export function renameReferences(steps: readonly StepDraft[], from: string, to: string): void {
  if (!from || from === to) return
  for (const step of steps) {
    for (const ref of references(step)) if (ref.get() === from) ref.set(to)
  }
}

/** The ids a step refers to that no step has (left over after a step was removed). */
export function dangling(steps: readonly StepDraft[], value: string): boolean {
  return value !== '' && value !== END_STEP && !steps.some((s) => s.id === value)
}

const text = (value: string | null | undefined) => value ?? ''
const orNull = (value: string) => (value.trim() === '' ? null : value.trim())

function conditionDraft(c: FlowCondition): ConditionDraft {
  return { field: c.field, op: c.op, values: [...c.values], min: c.min, max: c.max }
}

function conditionOut(c: ConditionDraft): FlowCondition {
  const shape = fieldShape(c.field)
  return {
    field: c.field,
    op: c.op,
    values: shape.input === 'choice' || shape.input === 'free' ? c.values : [],
    min: shape.input === 'between' ? c.min : null,
    max: shape.input === 'between' ? c.max : null,
  }
}

export function toDraft(d: FlowDefinition): FlowDraft {
  const t = d.trigger
  return {
    trigger: {
      kind: t.kind,
      care: text(t.care),
      anniversary_kind: text(t.anniversary_kind),
      days: t.days,
      threshold: t.threshold,
      tier: text(t.tier),
      segment: text(t.segment),
      change: text(t.change),
    },
    conditions: d.conditions.map(conditionDraft),
    steps: d.steps.map((s) => ({
      uid: nextUid(),
      id: s.id,
      type: s.type,
      next: text(s.next),
      template_key: text(s.template_key),
      waitMode: s.until && s.minutes === null ? 'until' : 'delay',
      minutes: s.minutes,
      until: text(s.until),
      conditions: s.conditions.map(conditionDraft),
      // A branch's or a split's `next` is where its arms go when they name no step: the form
      // shows it on each arm.
      then: text(s.then ?? (s.type === 'branch' ? s.next : null)),
      otherwise: text(s.otherwise ?? (s.type === 'branch' ? s.next : null)),
      holdout_percent: s.holdout_percent ?? 0,
      variants: s.variants.map((v) => ({
        uid: nextUid(),
        name: v.name,
        share: v.share,
        next: text(v.next ?? (s.type === 'split' ? s.next : null)),
      })),
      add_tags: [...s.add_tags],
      remove_tags: [...s.remove_tags],
      title: text(s.title),
      due_days: s.due_days,
      url: text(s.url),
    })),
    cancel_on_purchase: d.cancel_on_purchase ?? false,
    on_cap: d.on_cap ?? 'reschedule',
  }
}

export function emptyDraft(): FlowDraft {
  return toDraft({
    trigger: { kind: 'manual', care: null, anniversary_kind: null, days: null, threshold: null, tier: null, segment: null, change: null },
    conditions: [],
    steps: [],
    cancel_on_purchase: null,
    on_cap: null,
  })
}

/** The definition the API takes: only the members of each step's type and the trigger's kind. */
export function toDefinition(d: FlowDraft): FlowDefinition {
  const members = triggerMembers(d.trigger.kind)
  const has = (m: TriggerMember) => members.includes(m)
  const t = d.trigger
  const trigger: FlowTrigger = {
    kind: t.kind,
    care: has('care') && t.care ? (t.care as FlowTrigger['care']) : null,
    anniversary_kind: has('anniversary_kind') ? orNull(t.anniversary_kind) : null,
    days: has('days') ? t.days : null,
    threshold: has('threshold') ? t.threshold : null,
    tier: has('tier') ? orNull(t.tier) : null,
    segment: has('segment') ? orNull(t.segment) : null,
    change: has('change') && t.change ? (t.change as FlowTrigger['change']) : null,
  }
  const steps: FlowStep[] = d.steps.map((s) => {
    const is = (...types: StepType[]) => types.includes(s.type)
    const wait = is('wait')
    return {
      id: s.id.trim(),
      type: s.type,
      next: is('send', 'wait', 'tag', 'task', 'webhook') ? orNull(s.next) : null,
      template_key: is('send') ? orNull(s.template_key) : null,
      minutes: wait && s.waitMode === 'delay' ? s.minutes : null,
      until: wait && s.waitMode === 'until' ? orNull(s.until) : null,
      conditions: is('branch') ? s.conditions.map(conditionOut) : [],
      then: is('branch') ? orNull(s.then) : null,
      otherwise: is('branch') ? orNull(s.otherwise) : null,
      holdout_percent: is('split') ? s.holdout_percent : null,
      variants: is('split') ? s.variants.map((v) => ({ name: v.name.trim(), share: v.share, next: orNull(v.next) })) : [],
      add_tags: is('tag') ? s.add_tags : [],
      remove_tags: is('tag') ? s.remove_tags : [],
      title: is('task') ? orNull(s.title) : null,
      due_days: is('task') ? s.due_days : null,
      url: is('webhook') ? orNull(s.url) : null,
    }
  })
  return {
    trigger,
    conditions: d.conditions.map(conditionOut),
    steps,
    cancel_on_purchase: d.cancel_on_purchase,
    on_cap: d.on_cap,
  }
}

/**
 * Where in the form the server's error belongs: its field without the leading "definition."
 * ("steps[2].next"); a value of a condition ("conditions[0].values[1]") goes to the condition's
 * values.
 */
export function errorPath(field: string | undefined): string {
  if (!field) return ''
  const path = field.startsWith('definition.') ? field.slice('definition.'.length) : field
  return path.replace(/\.values\[\d+\]$/, '.values')
}
