// Shapes of the shop's day JSON of the API (generated from the OpenAPI document).
// Times are unix milliseconds (UTC); money is in integer minor units of the section's currency.

export type { CartFigures, MessageFigures, SalesDay, SalesFigures, SalesSection, ShopDay } from '@/api/types'
