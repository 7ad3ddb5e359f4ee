/** `hostnet api openapi`: print the API's OpenAPI 3.1 document (the one GET /api/v1/openapi.json serves). */
import type { Command } from 'commander'
import { printJson } from './output.js'

export function registerApiCommands(program: Command): void {
  const api = program.command('api').description("the REST API served by 'hostnet serve'")
  api
    .command('openapi')
    .description('print the OpenAPI 3.1 document of the API')
    .action(async () => {
      const { standaloneOpenApiDocument } = await import('../api/app.js')
      printJson(standaloneOpenApiDocument())
    })
}
