/**
 * Queries built and compiled by Kysely once, then run with new values: for the statements of every exchange, where
 * building the operation tree and compiling it again on each request cost more of the service's CPU than PostgreSQL
 * spent running them (BENCHMARKS.md, section 3).
 *
 * `compiledOnce(build)` calls `build` once with placeholders in place of its arguments, keeps the compiled SQL, and on
 * each call runs that SQL with the real arguments in the placeholders' places. The SQL text is then the same string
 * every time, and the pg pool keeps the statement prepared (src/db/connection.ts): PostgreSQL then parses it once per
 * connection and, for the key lookups this is meant for, settles on a generic plan (not behind a pooler in transaction
 * mode, `DATABASE_POOLING=transaction`: every statement is sent unnamed there). A statement whose best plan
 * depends on its values (a range, an array of unknown length) passes `{ planEachTime: true }` and is sent unprepared.
 *
 * The contract of `build`: it may use its arguments only as values of the query (in comparisons, inserted or set
 * values, `eb.val`, `${…}` in `sql`), never to decide the query's shape or compute with them: at build time they are
 * placeholders. An argument that does not reach the compiled parameters (because it was used in arithmetic, say) is
 * an error on the first call.
 */
import type { CompiledQuery, Kysely, QueryExecutorProvider, QueryResult } from 'kysely'

/** A query builder (its `compile()` takes no argument) or a `sql` template (its `compile` takes the instance). */
interface Buildable<O> {
  compile(db: QueryExecutorProvider): CompiledQuery<O>
}

/**
 * Starts the text of a statement the pg pool keeps prepared (src/db/connection.ts): a query compiled once, unless it
 * asked to be planned each time. In transaction pooling it is only a comment.
 */
export const PREPARED = '/* prepared */ '

class Placeholder {
  constructor(readonly index: number) {}
}

const NO_PLUGINS = {}

/**
 * What the compiled SQL depends on besides the query: the instance's plugins (here, the schema plugin that
 * `withSchema` adds). A transaction shares its parent's plugin objects, so one compilation serves every transaction.
 * Several plugins are not cached (none of our instances has more than one).
 */
function scopeOf(db: QueryExecutorProvider): object | undefined {
  const plugins = db.getExecutor().plugins
  if (plugins.length === 0) return NO_PLUGINS
  return plugins.length === 1 ? plugins[0] : undefined
}

export function compiledOnce<DB, A extends unknown[], O>(
  build: (db: Kysely<DB>, ...args: A) => Buildable<O>,
  options: { planEachTime?: boolean } = {},
): (db: Kysely<DB>, ...args: A) => Promise<QueryResult<O>> {
  const compiledByScope = new WeakMap<object, CompiledQuery<O>>()
  const arities = new WeakMap<CompiledQuery<O>, number>()
  const compile = (db: Kysely<DB>, arity: number): CompiledQuery<O> => {
    const placeholders = Array.from({ length: arity }, (_, i) => new Placeholder(i))
    const compiled = build(db, ...(placeholders as unknown as A)).compile(db)
    const used = new Set(compiled.parameters.flatMap((p) => (p instanceof Placeholder ? [p.index] : [])))
    const unused = placeholders.filter((p) => !used.has(p.index)).map((p) => p.index)
    if (unused.length > 0) {
      throw new Error(`compiledOnce: argument(s) ${unused.join(', ')} are not values of the query: ${compiled.sql}`)
    }
    return options.planEachTime ? compiled : { ...compiled, sql: PREPARED + compiled.sql }
  }
  return async (db, ...args) => {
    const scope = scopeOf(db)
    let compiled = scope && compiledByScope.get(scope)
    if (compiled && arities.get(compiled) !== args.length) compiled = undefined // an optional argument left out
    if (!compiled) {
      compiled = compile(db, args.length)
      arities.set(compiled, args.length)
      if (scope) compiledByScope.set(scope, compiled)
    }
    const parameters = compiled.parameters.map((p) => (p instanceof Placeholder ? args[p.index] : p))
    return db.executeQuery<O>({ ...compiled, parameters })
  }
}
