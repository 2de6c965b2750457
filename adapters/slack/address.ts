/**
 * How a Slack channel is addressed in the core: `<team id>/<channel id>`. The team is part of the address because a
 * channel id can be seen from several workspaces (a Slack Connect channel): each workspace's view of it is its own
 * channel in PaperPulse, with its own settings, posted with that workspace's token.
 */

export function slackAddress(teamId: string, channelId: string): string {
  return `${teamId}/${channelId}`;
}

/** The team and channel of an address, or undefined when it is not a Slack address. */
export function parseSlackAddress(address: string): { teamId: string; channelId: string } | undefined {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(address);
  return m ? { teamId: m[1]!, channelId: m[2]! } : undefined;
}

/** The workspace an address belongs to ('' when it is not a Slack address). */
export function slackTeamId(address: string): string {
  return parseSlackAddress(address)?.teamId ?? '';
}
