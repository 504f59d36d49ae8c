// Advisor section types, from the API's OpenAPI document (src/api/schema.d.ts). Prices are
// integer minor units of the questionnaire's currency; times are unix milliseconds.

import type { components, paths } from '@/api/schema'

type Schemas = components['schemas']

/** The JSON body a route takes. */
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

export type Questionnaire = Schemas['Questionnaire']
export type Question = Schemas['Question']
export type AnswerOption = Schemas['AnswerOption']
export type Advice = Schemas['Advice']
export type AdvisedProduct = Schemas['AdvisedProduct']
export type ConversionReport = Schemas['ConversionReport']
export type QuestionnaireInput = Body<'/api/v1/advisor', 'post'>
export type QuestionInput = NonNullable<QuestionnaireInput['questions']>[number]
export type OptionInput = NonNullable<QuestionInput['options']>[number]
export type AnswersInput = Body<'/api/v1/advisor/{id}/answers', 'post'>
export type AnswerInput = NonNullable<AnswersInput['answers']>[number]
