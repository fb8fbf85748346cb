/**
 * Runs `task` over `items` with at most `limit` in flight, starting the next as soon as one
 * finishes (a sliding window, not waves: one slow transfer never stalls the others).
 * After the first failure, or when `signal` aborts, nothing new starts; the in-flight ones
 * are awaited and the first failure (or the abort reason) is thrown.
 */
export async function slidingWindow<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      if (signal?.aborted) {
        failure = { error: signal.reason };
        return;
      }
      const index = next++;
      try {
        await task(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  if (failure !== null) throw (failure as { error: unknown }).error;
}
