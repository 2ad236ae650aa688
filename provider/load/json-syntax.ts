// JSON files must be JSON, not merely YAML (which accepts `{"a": }`): find the first JSON syntax error and its offset.

export interface JsonSyntaxError {
  message: string;
  offset: number;
}

export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    return { message, offset: errorOffset(message, text) };
  }
}

// V8 reports either "at position N" or a snippet of the text ending at the offending token.
function errorOffset(message: string, text: string): number {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  const snippet = /"(?:\.\.\.)?([\s\S]*?)(?:\.\.\.)?" is not valid JSON/.exec(message);
  if (snippet) {
    const at = text.indexOf(snippet[1]);
    if (at >= 0) return at + snippet[1].length - 1;
  }
  return message.includes('end of JSON input') ? text.length : 0;
}
