// Community: one function per API route the pages use. Visitors read through the public routes
// (/community/…); a customer signed in to the portal acts through /portal/community/… with the
// portal's session; staff moderate through /community/… with their scopes.

import { request } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  BanRequest,
  Board,
  BoardView,
  CommunityFollow,
  CommunityHit,
  KbArticle,
  KbArticleChanges,
  KbArticleInput,
  Member,
  Post,
  PostChanges,
  PostInput,
  QueueItem,
  Report,
  Review,
  ReviewInput,
  ReviewSummary,
  Thread,
  ThreadInput,
  ThreadKind,
  ThreadView,
  TicketLink,
} from './types'

/** What anyone may read, signed in or not. */
export const publicApi = {
  boards: () => request<{ items: Board[] }>('GET', '/community/boards'),
  board: (id: number) => request<BoardView>('GET', `/community/boards/${id}`),
  threads: (boardId: number, kind?: ThreadKind | '', cursor?: string | null) =>
    request<Page<Thread>>('GET', `/community/boards/${boardId}/threads`, { query: { kind, cursor, limit: 20 } }),
  thread: (id: number) => request<ThreadView>('GET', `/community/threads/${id}`),
  search: (q: string, boardId?: number | null, signal?: AbortSignal) =>
    request<Page<CommunityHit>>('GET', '/community/search', { query: { q, board_id: boardId, limit: 20 }, signal, quiet: true }),
  articles: (productId?: number | null) =>
    request<Page<KbArticle>>('GET', '/community/kb', { query: { product_id: productId, limit: 20 } }),
  article: (id: number) => request<KbArticle>('GET', `/community/kb/${id}`),
  productReviews: (productId: number, cursor?: string | null) =>
    request<ReviewSummary>('GET', `/products/${productId}/reviews`, { query: { cursor, limit: 20 } }),
}

/** The signed-in customer's (portal session). */
export const customerApi = {
  me: () => request<Member>('GET', '/portal/community/me'),
  setName: (displayName: string) => request<Member>('PUT', '/portal/community/me', { body: { display_name: displayName }, quiet: true }),
  thread: (id: number) => request<ThreadView>('GET', `/portal/community/threads/${id}`),
  createThread: (input: ThreadInput) => request<ThreadView>('POST', '/portal/community/threads', { body: input, quiet: true }),
  answer: (threadId: number, input: PostInput) =>
    request<Post>('POST', `/portal/community/threads/${threadId}/answers`, { body: input, quiet: true }),
  comment: (postId: number, input: PostInput) =>
    request<Post>('POST', `/portal/community/posts/${postId}/comments`, { body: input, quiet: true }),
  accept: (threadId: number, postId: number) =>
    request<ThreadView>('POST', `/portal/community/threads/${threadId}/accept`, { body: { post_id: postId } }),
  vote: (postId: number, value: number) => request<Post>('PUT', `/portal/community/posts/${postId}/vote`, { body: { value } }),
  edit: (postId: number, changes: PostChanges) =>
    request<Post>('PATCH', `/portal/community/posts/${postId}`, { body: changes, quiet: true }),
  remove: (postId: number) => request<void>('DELETE', `/portal/community/posts/${postId}`),
  report: (postId: number, reason: string) =>
    request<Report>('POST', `/portal/community/posts/${postId}/reports`, { body: { reason }, quiet: true }),
  follow: (threadId: number, on: boolean) => request<void>(on ? 'PUT' : 'DELETE', `/portal/community/threads/${threadId}/follow`),
  follows: () => request<{ items: CommunityFollow[] }>('GET', '/portal/community/follows'),
  followBoard: (boardId: number, on: boolean) => request<void>(on ? 'PUT' : 'DELETE', `/portal/community/boards/${boardId}/follow`),
  review: (productId: number, input: ReviewInput) =>
    request<Review>('PUT', `/portal/products/${productId}/review`, { body: input, quiet: true }),
}

/** Staff's (the staff session and its community scopes). */
export const staffApi = {
  queue: (cursor?: string | null) => request<Page<QueueItem>>('GET', '/community/moderation/queue', { query: { cursor, limit: 50 } }),
  hide: (postId: number, reason: string) => request<Post>('POST', `/community/posts/${postId}/hide`, { body: { reason }, quiet: true }),
  restore: (postId: number, reason: string) =>
    request<Post>('POST', `/community/posts/${postId}/restore`, { body: { reason }, quiet: true }),
  ban: (customerId: number, body: BanRequest) => request<Member>('PUT', `/community/members/${customerId}/ban`, { body, quiet: true }),
  unban: (customerId: number) => request<Member>('DELETE', `/community/members/${customerId}/ban`),
  member: (customerId: number) => request<Member>('GET', `/community/members/${customerId}`),
  changeThread: (id: number, changes: { pinned?: boolean; locked?: boolean }) =>
    request<Thread>('PATCH', `/community/threads/${id}`, { body: changes }),
  answer: (threadId: number, body: string) =>
    request<Post>('POST', `/community/threads/${threadId}/answers`, { body: { body }, quiet: true }),
  makeTicket: (threadId: number) => request<TicketLink>('POST', `/community/threads/${threadId}/ticket`),
  makeArticle: (postId: number, title?: string) =>
    request<KbArticle>('POST', `/community/posts/${postId}/kb`, { body: title ? { title } : {} }),
  replyReview: (reviewId: number, body: string) =>
    request<Review>('POST', `/community/reviews/${reviewId}/reply`, { body: { body }, quiet: true }),
  hideReview: (reviewId: number, reason: string) => request<Review>('POST', `/community/reviews/${reviewId}/hide`, { body: { reason } }),
  restoreReview: (reviewId: number) => request<Review>('POST', `/community/reviews/${reviewId}/restore`),
  reviews: (productId?: number | null, cursor?: string | null) =>
    request<Page<Review>>('GET', '/community/reviews', { query: { product_id: productId, cursor, limit: 20 } }),
  articles: (cursor?: string | null) => request<Page<KbArticle>>('GET', '/community/moderation/kb', { query: { cursor, limit: 50 } }),
  createArticle: (input: KbArticleInput) => request<KbArticle>('POST', '/community/kb', { body: input, quiet: true }),
  updateArticle: (id: number, changes: KbArticleChanges) =>
    request<KbArticle>('PATCH', `/community/kb/${id}`, { body: changes, quiet: true }),
}
