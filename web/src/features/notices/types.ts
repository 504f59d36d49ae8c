// Staff notices types, from the API's OpenAPI document (src/api/schema.d.ts).

import type { components } from '@/api/schema'

type Schemas = components['schemas']

export type Notice = Schemas['Notice']
export type NoticeCount = Schemas['NoticeCount']
export type Subscriptions = Schemas['Subscriptions']
/** PUT /notices/subscriptions/{topic}: the lists to follow (absent: none). */
export type SubscriptionsInput = Partial<Pick<Subscriptions, 'all' | 'product_ids' | 'category_ids'>>
export type NoticeTopic = Subscriptions['topic']
