/** The export's properties (export-semantics.cases.ts) for an integration of CommerceML 2.08, the default. */
import { testExportSemantics } from './export-semantics.cases.js'

testExportSemantics('2.08')
