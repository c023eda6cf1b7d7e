/** HTTP reasons a PATCH can fail with, spelled as the real API server's metav1.Status `reason`. */
export type PatchErrorReason = 'BadRequest' | 'Conflict' | 'UnsupportedMediaType' | 'Invalid' | 'InternalError';

const codeByReason: Record<PatchErrorReason, number> = {
  BadRequest: 400,
  Conflict: 409,
  UnsupportedMediaType: 415,
  Invalid: 422,
  InternalError: 500,
};

/** A PATCH the server must refuse; `code` and `reason` go straight into the metav1.Status it answers. */
export class PatchError extends Error {
  code: number;
  reason: PatchErrorReason;

  constructor(reason: PatchErrorReason, message: string) {
    super(message);
    this.name = 'PatchError';
    this.reason = reason;
    this.code = codeByReason[reason];
  }
}
