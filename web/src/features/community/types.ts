// Community section types: the API's (generated from the server's OpenAPI document into
// src/api/schema.d.ts), named for the UI. Bodies are plain text: pages show them as text.

import type { components, paths } from '@/api/schema'

type Schemas = components['schemas']

/** The JSON body a route takes. */
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

export type Board = Schemas['Board']
export type BoardView = Schemas['BoardView']
export type Thread = Schemas['Thread']
export type ThreadView = Schemas['ThreadView']
export type Post = Schemas['Post']
export type Author = Schemas['Author']
export type Member = Schemas['Member']
export type CommunityFollow = Schemas['CommunityFollow']
export type QueueItem = Schemas['QueueItem']
export type Report = Schemas['Report']
export type TicketLink = Schemas['TicketLink']
export type KbArticle = Schemas['KbArticle']
export type Review = Schemas['Review']
export type ReviewSummary = Schemas['ReviewSummary']
/** A thread's opening post or an answer found by the search, with the words marked. */
export type CommunityHit = Schemas['CommunityHit']

export type ThreadInput = Body<'/api/v1/portal/community/threads', 'post'>
export type PostInput = Body<'/api/v1/portal/community/threads/{id}/answers', 'post'>
export type PostChanges = Body<'/api/v1/portal/community/posts/{id}', 'patch'>
export type ReviewInput = Body<'/api/v1/portal/products/{id}/review', 'put'>
export type BanRequest = Body<'/api/v1/community/members/{id}/ban', 'put'>
export type KbArticleInput = Body<'/api/v1/community/kb', 'post'>
export type KbArticleChanges = Body<'/api/v1/community/kb/{id}', 'patch'>

export type ThreadKind = Thread['kind']
export type PostStatus = Post['status']

export const THREAD_KINDS = ['question', 'idea', 'defect', 'discussion'] as const satisfies readonly ThreadKind[]
