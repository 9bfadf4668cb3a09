import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { ErrorCode, FieldError } from '@caucus/shared/errors.ts';
import { AppError } from './errors.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// Bodies are strict (a wrong type is an error, unknown fields are refused); query strings and
// params arrive as text, so they are coerced.
function buildAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, removeAdditional: false, useDefaults: true, coerceTypes: coerce ? 'array' : false });
  addFormats(ajv);
  return ajv;
}

export function installValidation(app: FastifyInstance): void {
  const strict = buildAjv(false);
  const coercing = buildAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as FastifySchema));
  // PostgreSQL text cannot hold U+0000: refuse it here, on its field, rather than fail in the database.
  app.addHook('preValidation', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    for (const [context, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const field = findNul(value, '');
      if (field !== undefined) {
        throw validationToAppError([{ keyword: 'nul', instancePath: `/${field.replace(/\./g, '/')}`, params: {}, message: 'Remove the NUL character', schemaPath: '' }], context);
      }
    }
  });
}

function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = findNul(item, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Turns Ajv's errors into one field error each, with a code the web translates. */
export function validationToAppError(errors: ErrorObject[], context: string | undefined): AppError {
  const fields: Record<string, FieldError> = {};
  for (const error of errors) {
    const { field, detail } = describe(error);
    const key = field || '_';
    if (!fields[key] || fields[key].code === 'invalid_choice') fields[key] = detail;
  }
  const summary = Object.entries(fields)
    .map(([field, f]) => (field === '_' ? f.message : `${field}: ${f.message}`))
    .join('; ');
  const where = context === 'querystring' ? 'query string' : context === 'params' ? 'address' : 'request body';
  return new AppError(400, 'invalid_input', `The ${where} is invalid. ${summary}.`, fields);
}

function describe(error: ErrorObject): { field: string; detail: FieldError } {
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  const p = error.params as Record<string, unknown>;
  const at = (extra: string) => (path ? `${path}.${extra}` : extra);
  const make = (code: ErrorCode, message: string, params?: FieldError['params']) => ({ code, message, ...(params ? { params } : {}) });
  const last = path.split('.').at(-1) ?? '';
  switch (error.keyword) {
    case 'required':
      return { field: at(String(p.missingProperty)), detail: make('required', 'This field is required') };
    case 'additionalProperties':
      return { field: at(String(p.additionalProperty)), detail: make('unknown_field', `Unknown field "${String(p.additionalProperty)}": remove it`) };
    case 'type':
      return { field: path, detail: make('wrong_type', `Must be ${article(String(p.type))}`) };
    case 'minLength':
      return Number(p.limit) <= 1
        ? { field: path, detail: make('required', 'This field is required') }
        : { field: path, detail: make('too_short', `Must be at least ${String(p.limit)} characters`, { min: Number(p.limit) }) };
    case 'maxLength':
      return { field: path, detail: make('too_long', `Must be at most ${String(p.limit)} characters`, { max: Number(p.limit) }) };
    case 'maxItems':
      return { field: path, detail: make('too_many', `At most ${String(p.limit)} items`, { max: Number(p.limit) }) };
    case 'minimum':
    case 'maximum':
      return { field: path, detail: make('out_of_range', `Must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p.limit)}`) };
    case 'format':
      return p.format === 'email'
        ? { field: path, detail: make('invalid_email', 'Enter a valid e-mail address, like name@example.org') }
        : { field: path, detail: make('invalid_format', `Must be a valid ${String(p.format)}`) };
    case 'pattern':
      return { field: path, detail: patternError(last) };
    case 'const':
    case 'enum':
    case 'anyOf':
      return { field: path, detail: make('invalid_choice', 'Choose one of the allowed values') };
    default:
      return { field: path, detail: make('invalid_format', error.message ?? 'Invalid value') };
  }
}

function patternError(field: string): FieldError {
  if (field === 'handle') return { code: 'invalid_handle', message: 'Use only letters, digits and underscores' };
  if (field === 'url') return { code: 'invalid_url', message: 'Enter a full address starting with https://' };
  if (field.endsWith('Color')) return { code: 'invalid_color', message: 'Enter a colour as #rrggbb' };
  if (field === 'postalCode') return { code: 'invalid_format', message: 'Enter a 5-digit postal code' };
  return { code: 'invalid_format', message: 'This value has the wrong format' };
}

function article(type: string): string {
  return type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`;
}
