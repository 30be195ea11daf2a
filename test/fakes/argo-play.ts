/** Placeholder: the template renderer lands in the next commit. */
export interface ShippedTemplate {
  kind: string;
  metadata: { name: string };
  spec: { arguments?: { parameters?: { name: string; value?: string }[] } } & Record<string, unknown>;
}
export type PlayScript = Record<string, unknown>;
export interface PlayResult {
  phase: 'Succeeded' | 'Failed' | 'Error';
  message: string | null;
}
export async function playWorkflow(_t: ShippedTemplate, _w: unknown, _s: PlayScript): Promise<PlayResult> {
  throw new Error('play: not yet');
}
