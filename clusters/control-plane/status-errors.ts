/**
 * API errors as the Kubernetes API returns them: a `Status` object whose `reason` and `code`
 * clients switch on (client-go's apierrors.IsNotFound, client-node's ApiException.code).
 * See the API conventions, "Response Status Kind".
 */

export type StatusReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'BadRequest' | 'MethodNotAllowed'
  | 'Gone' | 'Expired' | 'Unauthorized' | 'Forbidden' | 'RequestEntityTooLarge' | 'UnsupportedMediaType' | 'InternalError' | 'NotAcceptable';

const CODES: Readonly<Record<StatusReason, number>> = {
  NotFound: 404, AlreadyExists: 409, Conflict: 409, Invalid: 422, BadRequest: 400, MethodNotAllowed: 405,
  Gone: 410, Expired: 410, Unauthorized: 401, Forbidden: 403, RequestEntityTooLarge: 413, UnsupportedMediaType: 415,
  InternalError: 500, NotAcceptable: 406,
};

export interface StatusCause { reason?: string; message: string; field?: string }

export interface StatusDetails { name?: string; group?: string; kind?: string; causes?: StatusCause[] }

/** An error the API returns to the client as a Status body with its HTTP code. */
export class ApiError extends Error {
  readonly reason: StatusReason;
  readonly code: number;
  readonly details: StatusDetails | undefined;

  constructor(reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.reason = reason;
    this.code = CODES[reason];
    this.details = details;
  }

  /** The `Status` body (kind Status, status Failure). */
  toStatus(): Record<string, unknown> {
    return statusObject('Failure', this.message, this.reason, this.code, this.details);
  }
}

/** A `Status` object, also used for successful deletes (status Success). */
export function statusObject(status: 'Success' | 'Failure', message: string, reason: string | undefined, code: number, details?: StatusDetails): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status, code };
  if (message) body.message = message;
  if (reason) body.reason = reason;
  if (details) body.details = details;
  return body;
}

/** `pods "web" not found` */
export function notFound(resource: string, group: string, name: string): ApiError {
  return new ApiError('NotFound', `${qualified(resource, group)} "${name}" not found`, { name, group, kind: resource });
}

/** `pods "web" already exists` */
export function alreadyExists(resource: string, group: string, name: string): ApiError {
  return new ApiError('AlreadyExists', `${qualified(resource, group)} "${name}" already exists`, { name, group, kind: resource });
}

/** The optimistic-concurrency failure a stale resourceVersion gets; clients re-read and retry. */
export function conflict(resource: string, group: string, name: string, why: string): ApiError {
  return new ApiError('Conflict', `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": ${why}`, { name, group, kind: resource });
}

/** 422 with one cause per problem, message in the apiserver's `Kind "name" is invalid: [a, b]` shape. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const message = `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
  return new ApiError('Invalid', message, { name, group, kind, causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, ...(c.field ? { field: c.field } : {}) })) });
}

function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}
