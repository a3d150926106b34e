/**
 * `GET /companies`: the supplier companies an integration can be made for (the «Компания» drop-down of the admin
 * screen), those of the caller's location.
 */
import type { FastifyPluginAsync } from 'fastify'
import { locationScope } from '../auth/admin-auth.js'
import { listCompanies } from '../olvery/companies.source.js'
import { companyJson } from './admin.mappers.js'
import { companiesQuery, type CompaniesQuery } from './requests.schema.js'
import { companyListResponse } from './responses.schema.js'
import type { AdminRoutesOptions } from './scope.js'

export const companiesRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, { databases }) => {
  app.get<{ Querystring: CompaniesQuery }>(
    '/companies',
    { schema: { querystring: companiesQuery, response: { 200: companyListResponse } } },
    async (request) => {
      const scope = locationScope(request.admin)
      const wanted = request.query.locationId?.toLowerCase() ?? null
      // A location administrator asking for another location sees nothing there, as for a location that does not exist.
      if (scope !== null && wanted !== null && wanted !== scope) return { companies: [] }
      const companies = await listCompanies(databases.olvery, wanted ?? scope)
      return { companies: companies.map(companyJson) }
    },
  )
}
