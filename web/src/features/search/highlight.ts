// Where a hit's matches are shown. The server marks the matches field by field (name, e-mail,
// phone, …); the box shows a hit as its title and subtitle, so each highlighted field is marked
// where its text appears in one of those lines, and the fields that appear in neither (a tag, an
// external id) are listed under them.

import type { Highlight, Hit, Segment } from '@/features/search/types'

/** A piece of a shown line; `fixed` pieces come from a highlight and are not searched again. */
interface Piece extends Segment {
  fixed: boolean
}

/** A hit as the box shows it. */
export interface MarkedHit {
  title: Segment[]
  subtitle: Segment[]
  /** Highlighted fields found in neither line. */
  others: Highlight[]
}

function fieldText(highlight: Highlight): string {
  return highlight.segments.map((s) => s.text).join('')
}

/** Replaces the first unmarked occurrence of the highlight's text in `pieces`; false when there is none. */
function place(pieces: Piece[], highlight: Highlight): boolean {
  const text = fieldText(highlight)
  if (!text || !highlight.segments.some((s) => s.match)) return true
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!
    if (piece.fixed) continue
    const at = piece.text.indexOf(text)
    if (at < 0) continue
    const marked = highlight.segments.filter((s) => s.text).map((s) => ({ ...s, fixed: true }))
    const before = piece.text.slice(0, at)
    const after = piece.text.slice(at + text.length)
    pieces.splice(
      i,
      1,
      ...(before ? [{ text: before, match: false, fixed: false }] : []),
      ...marked,
      ...(after ? [{ text: after, match: false, fixed: false }] : []),
    )
    return true
  }
  return false
}

/** Joins neighbours of the same kind (fewer elements to render). */
function segments(pieces: Piece[]): Segment[] {
  const out: Segment[] = []
  for (const { text, match } of pieces) {
    const last = out[out.length - 1]
    if (last && last.match === match) last.text += text
    else out.push({ text, match })
  }
  return out
}

/** The hit's title and subtitle with its highlighted fields marked in them, and the fields shown in neither. */
export function markHit(hit: Hit): MarkedHit {
  const title: Piece[] = [{ text: hit.title, match: false, fixed: false }]
  const subtitle: Piece[] = [{ text: hit.subtitle, match: false, fixed: false }]
  const others: Highlight[] = []
  for (const highlight of hit.highlights) {
    if (!place(title, highlight) && !place(subtitle, highlight)) others.push(highlight)
  }
  return { title: segments(title), subtitle: segments(subtitle), others }
}
