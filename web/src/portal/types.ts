// Shapes of the customer portal's API (/api/v1/portal/…), from the OpenAPI document the server
// prints (generated into src/api/schema.d.ts). Times are unix milliseconds (UTC); money is minor
// units of the order's currency.

import type { components, paths } from '@/api/schema'

type Schemas = components['schemas']

/** The JSON body a route takes. */
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

export type Profile = Schemas['Profile']
export type ProfileChanges = Body<'/api/v1/portal/me', 'patch'>
export type ConsentRequest = Body<'/api/v1/portal/me/consent', 'put'>
export type PortalOrder = Schemas['PortalOrder']
export type PortalOrderView = Schemas['PortalOrderView']
export type PortalReturn = Schemas['PortalReturn']
export type WarrantyItem = Schemas['WarrantyItem']
export type EraseRequest = Schemas['EraseRequest']
export type ReturnInput = Body<'/api/v1/portal/orders/{id}/returns', 'post'>
export type ReturnReason = ReturnInput['reason']
export type PortalTicket = Schemas['PortalTicket']
export type PortalTicketView = Schemas['PortalTicketView']
export type TicketRequest = Body<'/api/v1/portal/tickets', 'post'>
export type AttachmentInput = NonNullable<TicketRequest['attachments']>[number]
