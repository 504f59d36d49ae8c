// The English sentences a recommendation's reason should read as, worded here from the API's
// structured reason on their own (not through the UI's code), so that the pages are checked
// against the wording rules rather than against themselves:
//   uiReason:      the staff UI (web/src/features/recommend: messages.en.ts, ReasonText.vue),
//                  from a reason {kind, products, count, support, confidence, lift, ...} and the
//                  recommended item {name, version, price_tier}
//   snippetReason: the tracking snippet's English table (src/events/t.js), from a public reason
//                  {kind, product_names, viewed}

const NONE = '—'

const percentFormat = new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
const dayFormat = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })

/** 0.361 as "36.1%". */
function percent(ratio) {
  return ratio === null || ratio === undefined || !Number.isFinite(ratio) ? NONE : percentFormat.format(ratio)
}

/** 15.5 as "15.5", 12.2649 as "12.26". */
function decimal(value) {
  return value === null || value === undefined || !Number.isFinite(value)
    ? NONE
    : new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(value)
}

/** Unix milliseconds as "Dec 3, 2026" (the UTC day). */
function day(ms) {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? NONE : dayFormat.format(new Date(ms))
}

const TIERS = { budget: 'Budget', mid: 'Mid-range', premium: 'Premium' }

function tier(value) {
  return value ? (TIERS[value] ?? value) : NONE
}

// The people of a class ("tag:parent" -> "parents"); other labels say their name.
const GROUPS = {
  'tier:budget': 'budget buyers',
  'tier:mid': 'mid-range buyers',
  'tier:premium': 'premium buyers',
  'tag:parent': 'parents',
  'tag:pet_owner': 'pet owners',
  'tag:gardener': 'gardeners',
  'tag:athlete': 'sporty customers',
  'tag:photographer': 'photographers',
  'tag:gamer': 'gamers',
  'tag:reader': 'readers',
  'tag:home_cook': 'home cooks',
  'tag:beauty_lover': 'beauty lovers',
}

function group(label) {
  return GROUPS[label] ?? label.slice(label.indexOf(':') + 1).replace(/_/g, ' ')
}

/** "A", "A and B", "A, B, and C". */
function listOf(names) {
  if (names.length <= 1) return names[0] ?? ''
  if (names.length === 2) return `${names[0]} and ${names[1]}`
  return `${names.slice(0, -1).join(', ')}, and ${names[names.length - 1]}`
}

/** The staff UI's English sentence for `reason` of the recommended `item`. */
export function uiReason(reason, item) {
  const name = item.name
  const product = listOf(reason.products.map((p) => p.name))
  const count = reason.count ?? 0
  switch (reason.kind) {
    case 'rule':
      return (
        `customers who bought ${product} also bought ${name} (confidence ${percent(reason.confidence)}, ` +
        `lift ${decimal(reason.lift)}, support ${percent(reason.support)}, ${count} orders)`
      )
    case 'also_bought': {
      const viewed = reason.viewed_count ?? 0
      const said =
        viewed === 0
          ? `customers who bought ${product} also bought ${name} (${count})`
          : `customers who bought or viewed ${product} also bought or viewed ${name} ` +
            `(${count}, ${Math.max(0, count - viewed)} of them bought both)`
      return reason.seed_viewed ? `you viewed ${product}; ${said}` : said
    }
    case 'class':
      return `you bought ${product} (${reason.category ?? ''}), like other ${group(reason.class_label ?? '')}, who buy ${name} (${count})`
    case 'popular':
      return `${name} is a best-seller (${count} customers)`
    case 'replenish':
      return `you bought ${name} ${count} times, about every ${reason.interval_days ?? 0} days; last on ${day(reason.last_purchase_at)}`
    case 'newer_version':
      return `a newer version of ${product} (version ${item.version ?? ''} instead of ${reason.version ?? ''})`
    case 'higher_tier':
      return `the ${tier(item.price_tier)} tier of ${reason.category ?? ''} (${product} is ${tier(reason.price_tier)})`
    default:
      throw new Error(`a reason of an unknown kind: ${JSON.stringify(reason)}`)
  }
}

const SNIPPET = {
  rule: 'Often bought together with {p}',
  also_bought: 'Customers who bought {p} also bought this',
  viewed: 'You viewed {p}; customers who bought it also bought this',
  class: 'Popular with customers like you',
  replenish: 'Due again: you buy this regularly',
  popular: 'Best-seller',
}

/** The snippet's English sentence for a public reason; kinds without a sentence read as best-sellers. */
export function snippetReason(reason) {
  const names = reason.product_names
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? '')
  return (SNIPPET[reason.viewed ? 'viewed' : reason.kind] ?? SNIPPET.popular).replace('{p}', list)
}
