/**
 * `create`, run on the first call and shared by the callers that arrive while it runs. A failure is
 * not remembered: the next call tries again (an index creation refused during an outage, say).
 */
export function onFirstUse(create: () => Promise<void>): () => Promise<void> {
  let created: Promise<void> | undefined;
  return () => {
    created ??= create().catch((error: unknown) => {
      created = undefined;
      throw error;
    });
    return created;
  };
}
