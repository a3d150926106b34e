/** The export's properties (export-semantics.cases.ts) for an integration of CommerceML 3.1 (`schema_version`). */
import { testExportSemantics } from './export-semantics.cases.js'

testExportSemantics('3.1')
