/** What the kubelet's parts need to talk to the API server the way a controller does. */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** `Content-Type: application/merge-patch+json` for client-node's patch calls. */
export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

export function isConflict(error: unknown): boolean {
  return (error as { code?: number }).code === 409;
}
