/**
 * One check of a `query` answer for either schema version (src/integration/settings.schema.ts `SchemaVersion`): its
 * layout (`layoutProblems`) and its `Документ`s against the CommerceML 2.08 XSD (xml-validate.ts), as one result.
 */
import type { SchemaVersion } from '../../src/integration/settings.schema.js'
import { layoutProblems, parseAnswer } from './commerceml-reader.js'
import { validateCommerceML, validateCommerceML31Documents, type ValidationResult } from './xml-validate.js'

export async function checkAnswer(bytes: Buffer | string, schemaVersion: SchemaVersion): Promise<ValidationResult> {
  const layout = layoutProblems(parseAnswer(bytes), schemaVersion)
  const xsd = schemaVersion === '3.1' ? await validateCommerceML31Documents(bytes) : await validateCommerceML(bytes)
  const errors = [...layout, ...xsd.errors]
  return { valid: errors.length === 0 && xsd.valid, errors }
}
