import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequireScope } from '../auth/scopes';
import { ApiAuth, ApiPathParam, ApiProblems } from '../common/openapi';
import { validated } from '../common/validation';
import { CompleteUploadDto, CreateUploadDto, UploadedView, UploadPlanView } from './dto/uploads.dto';
import { UploadsService } from './uploads.service';

@ApiTags('uploads')
@ApiAuth()
@RequireScope('submit')
@Controller('v1/uploads')
export class UploadsController {
  constructor(@Inject(UploadsService) private readonly uploads: UploadsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Plan an upload: presigned PUT URL(s) straight to S3; several parts (multipart) for large files' })
  @ApiBody({ type: CreateUploadDto })
  @ApiResponse({ status: 201, type: UploadPlanView })
  @ApiProblems(400, 413)
  create(@Body(validated(CreateUploadDto)) dto: CreateUploadDto): Promise<UploadPlanView> {
    return this.uploads.create(dto);
  }

  @Post('complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish an upload (multipart: with every part and ETag) and check that it is a video; a non-video is deleted (422)' })
  @ApiBody({ type: CompleteUploadDto })
  @ApiResponse({ status: 200, type: UploadedView })
  @ApiProblems(400, 404, 413, 422)
  complete(@Body(validated(CompleteUploadDto)) dto: CompleteUploadDto): Promise<UploadedView> {
    return this.uploads.complete(dto);
  }

  @Put(':filename')
  @HttpCode(201)
  @ApiOperation({ summary: 'Upload a small file in the request body (up to UPLOAD_DIRECT_MAX_BYTES), streamed to S3 after a content check' })
  @ApiConsumes('application/octet-stream', 'video/mp4')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiPathParam('filename', 'the file name (only its last segment is kept, made safe)', 'match.mp4')
  @ApiResponse({ status: 201, type: UploadedView })
  @ApiProblems(400, 411, 413, 422)
  direct(
    @Param('filename') filename: string,
    @Headers('content-length') contentLength: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Req() req: Request,
  ): Promise<UploadedView> {
    return this.uploads.direct(filename, contentLength, contentType, req);
  }
}
