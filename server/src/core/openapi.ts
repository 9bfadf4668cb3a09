import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** The OpenAPI document, built from the routes' TypeBox schemas, and its UI at /api/docs. */
export const openapiPlugin = fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Caucus API',
        version: '1',
        description: 'The JSON API of a Caucus network. The web app uses it too. Authenticate with the session cookie set by `POST /api/v1/auth/login`, or, from a bot or an app, with a personal access token (`POST /api/v1/me/access-tokens`) in `Authorization: Bearer <token>`. Live events stream over a WebSocket at `GET /api/v1/streaming`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'caucus_session' },
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal access token (`caucus_pat_…`). Creating tokens and changing the password or e-mail need the session.' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Nothing from another origin, here too: no validator badge, no remote fonts or styles.
    transformStaticCSP: (header) => header.replace(/ https:/g, '').replace(' validator.swagger.io', ''),
    uiConfig: { docExpansion: 'list', deepLinking: false, validatorUrl: null },
  });
}, { name: 'openapi' });
