/** Bytes per String.fromCharCode call: spreading more arguments can overflow the stack. */
const CHUNK = 0x8000;

/** Standard base64 of `bytes`, without the runtime's Buffer (core stays runtime-free). */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}
