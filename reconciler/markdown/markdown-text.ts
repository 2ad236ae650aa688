// Pieces of GitHub/GitLab-flavoured markdown shared by the plan and review comments.

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A code fence longer than any backtick run inside the content. */
export function fence(content: string): string {
  const longest = Math.max(2, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(longest + 1);
}
