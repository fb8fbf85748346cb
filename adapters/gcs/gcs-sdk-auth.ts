/**
 * The Authorization headers of `@google-cloud/storage`'s own auth client, so that requests sent
 * without the SDK's command stack use the credentials the SDK would find (Application Default
 * Credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud's login, the metadata server). The SDK
 * loads, and the client is built, on the first request only; it caches and refreshes tokens.
 */
export function sdkAuthorization(projectId: string | undefined): () => Promise<Headers> {
  let client: Promise<{ getRequestHeaders(): Promise<Headers> }> | undefined;
  return async () => {
    client ??= import("@google-cloud/storage").then(
      ({ Storage }) => new Storage(projectId ? { projectId } : {}).authClient,
    );
    return (await client).getRequestHeaders();
  };
}
