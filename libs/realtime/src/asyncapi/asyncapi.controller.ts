import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@tablecast/common';
import { regionConfig } from '@tablecast/config';
import { asyncApiDocument } from './asyncapi.document';
import { renderAsyncApiHtml } from './asyncapi.html';

/** GET /docs/asyncapi.json (the AsyncAPI 3 document of the Socket.IO interface) and /docs/asyncapi (rendered). */
@ApiExcludeController()
@Public()
@Controller('docs')
export class AsyncApiController {
  private readonly document: Record<string, unknown>;
  private readonly html: string;

  constructor(@Inject(regionConfig.KEY) region: ConfigType<typeof regionConfig>) {
    this.document = asyncApiDocument(region.publicBaseUrl);
    this.html = renderAsyncApiHtml(this.document);
  }

  @Get('asyncapi.json')
  json(): Record<string, unknown> {
    return this.document;
  }

  @Get('asyncapi')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return this.html;
  }
}
