/** Turns the AsyncAPI parser's schema-error wording into a message and the hint a reader acts on. */
export function explainSchemaError(parserMessage: string): { message: string; hint: string } {
  const suggestion = /\s*Did you mean "([^"]+)"\?\s*$/.exec(parserMessage);
  if (suggestion !== null)
    return {
      message: parserMessage.slice(0, suggestion.index).replace(/\.$/, ''),
      hint: `did you mean "${suggestion[1]}"?`,
    };
  const unexpected = /^Property "([^"]+)" is not expected to be here/.exec(parserMessage);
  if (unexpected !== null) {
    return {
      message: parserMessage,
      hint: `remove "${unexpected[1]}", or check its indentation: it may belong under the key above it`,
    };
  }
  const required = /must have required property "([^"]+)"/.exec(parserMessage);
  if (required !== null) return { message: parserMessage, hint: `add "${required[1]}" here` };
  return { message: parserMessage, hint: 'the document does not follow the AsyncAPI 3.0.0 schema here' };
}
