import { Server } from 'node:http';
import { Duplex } from 'node:stream';

const STATUS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'The request line or headers are too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request took too long to arrive.'],
};

/**
 * Errors Node raises before a request reaches Express (oversized headers, timeouts, garbage) are
 * answered as problem+json too, instead of Node's bare status lines.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, title, detail] = STATUS[error.code ?? ''] ?? [400, 'Bad Request', 'The request could not be parsed as HTTP.'];
    const body = JSON.stringify({ type: `https://tablecast.dev/problems/${title.toLowerCase().replace(/ /g, '-')}`, title, status, detail });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
