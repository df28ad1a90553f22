import { Encoder, PacketType } from 'socket.io-parser';
import { OnceEncoder } from './io.adapter';

describe('OnceEncoder', () => {
  const event = (payload: unknown) => ({ type: PacketType.EVENT, nsp: '/dynamic-data', data: ['onTableChange', payload] });

  it('encodes an event payload once, however many broadcasts send it, exactly like the plain encoder', () => {
    const encoder = new OnceEncoder();
    const payload = { table: 't', changes: [{ seq: 1 }], head: 1 };
    const first = encoder.encode(event(payload));
    expect(encoder.encode(event(payload))).toBe(first);
    expect(first).toEqual(new Encoder().encode(event(payload)));
  });

  it('encodes again for another payload, another event name, another namespace, or a packet with an ack id', () => {
    const encoder = new OnceEncoder();
    const payload = { head: 1 };
    const first = encoder.encode(event(payload));
    expect(encoder.encode(event({ head: 1 }))).not.toBe(first);
    const again = encoder.encode(event(payload));
    expect(encoder.encode({ ...event(payload), data: ['resubscribe', payload] })).toEqual(['2/dynamic-data,["resubscribe",{"head":1}]']);
    expect(encoder.encode({ ...event(payload), nsp: '/' })).toEqual(['2["onTableChange",{"head":1}]']);
    expect(encoder.encode({ ...event(payload), id: 7 })).toEqual(['2/dynamic-data,7["onTableChange",{"head":1}]']);
    expect(again).toEqual(first);
  });
});
