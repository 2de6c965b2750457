/**
 * How a Discord channel is addressed in the core: `<guild id>/<channel id>`. The channel id alone names the channel
 * (snowflakes are global); the guild is kept so the delivery order can take servers in turn.
 */

export function discordAddress(guildId: string, channelId: string): string {
  return `${guildId}/${channelId}`;
}

/** The channel id of an address, or undefined when it is not a Discord address. */
export function discordChannelId(address: string): string | undefined {
  const channelId = address.includes('/') ? address.slice(address.lastIndexOf('/') + 1) : address;
  return /^\d{1,20}$/.test(channelId) ? channelId : undefined;
}

/** The guild an address belongs to ('' when it names none). */
export function discordGuildId(address: string): string {
  return address.includes('/') ? address.slice(0, address.indexOf('/')) : '';
}
