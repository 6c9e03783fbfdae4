// How an event (opaque bytes) is shown, in every presentation (dump, replay, picture, HTML report,
// demo), with one control-character rule: as UTF-8 text when it decodes and every character is
// printable, otherwise as hex. Text is quoted with JSON escapes so that spaces, quotes and
// newlines stay visible and one event always takes one line.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// C0 controls other than tab, newline and carriage return, DEL, and the C1 controls.
const NON_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** The event as text, or null when it is not valid UTF-8 or holds control characters. */
export function printableUtf8(event: Uint8Array): string | null {
  let text: string;
  try {
    text = strictUtf8.decode(event);
  } catch {
    return null;
  }
  return NON_PRINTABLE.test(text) ? null : text;
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** One-token rendering for text output: "quoted text" (an empty event shows as "") or 0xHEX. */
export function renderEvent(event: Uint8Array): string {
  const text = printableUtf8(event);
  return text === null ? `0x${toHex(event)}` : JSON.stringify(text);
}
