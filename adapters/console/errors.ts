/** Console failures as the core understands them. */
import { type ChannelRef, channelKey, PlatformError } from '../../src/index.js';

/** The console has one channel; posting anywhere else fails for good. */
export function unknownChannel(channel: ChannelRef): PlatformError {
  return new PlatformError('console', 'unknown_channel', `the console has no channel ${channelKey(channel)}`, {
    permanent: true,
  });
}
