import { Decoder, Encoder, Packet, protocol } from 'socket.io-parser';
import { restoreExactNumbers } from './exact-json';

/** socket.io-parser's encoder, writing ExactNumbers (numbers a double cannot hold) as their exact digits. */
class ExactJsonEncoder extends Encoder {
  override encode(packet: Packet): unknown[] {
    return super.encode(packet).map((part: unknown) => (typeof part === 'string' ? restoreExactNumbers(part) : part));
  }
}

/** The Socket.IO `parser` option: the default protocol, with exact numbers in event payloads. */
export const exactJsonSocketParser = { protocol, Encoder: ExactJsonEncoder, Decoder };
