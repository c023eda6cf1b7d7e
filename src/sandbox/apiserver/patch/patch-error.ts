/** HTTP reasons a PATCH can fail with, spelled as the real API server's metav1.Status `reason`. */
export type PatchErrorReason =
  | 'BadRequest'
  | 'NotFound'
  | 'Conflict'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'InternalError';

const codeByReason: Record<PatchErrorReason, number> = {
  BadRequest: 400,
  NotFound: 404,
  Conflict: 409,
  UnsupportedMediaType: 415,
  Invalid: 422,
  InternalError: 500,
};

/** One entry of metav1.Status `details.causes`. */
export interface PatchErrorCause {
  reason: string;
  message: string;
  field?: string;
}

/** A PATCH the server must refuse; `code`, `reason`, `message` and `causes` go straight into the metav1.Status it answers. */
export class PatchError extends Error {
  code: number;
  reason: PatchErrorReason;
  causes: PatchErrorCause[];
  /** A generic server response (NewGenericServerResponse): details carry the causes but no name or kind. */
  generic: boolean;

  constructor(reason: PatchErrorReason, message: string, options?: { cause?: unknown; causes?: PatchErrorCause[]; generic?: boolean }) {
    super(message, options);
    this.name = 'PatchError';
    this.reason = reason;
    this.code = codeByReason[reason];
    this.causes = options?.causes ?? [];
    this.generic = options?.generic ?? false;
  }
}
