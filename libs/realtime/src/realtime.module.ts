import { Module } from '@nestjs/common';
import { AuthModule } from '@tablecast/auth';
import { DynamicDataModule } from '@tablecast/dynamic-data';
import { SocketSessions } from './socket-sessions.service';
import { TableChangeGateway } from './table-change.gateway';
import { TableEventsRelay } from './table-events.relay';
import { TableFeedService } from './table-feed.service';
import { TableSubscriptions } from './table-subscriptions.service';

@Module({
  imports: [AuthModule, DynamicDataModule],
  providers: [TableFeedService, TableSubscriptions, SocketSessions, TableEventsRelay, TableChangeGateway],
  exports: [TableFeedService, SocketSessions],
})
export class RealtimeModule {}
