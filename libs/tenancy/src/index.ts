export * from './organizations.service';
export * from './solutions.service';
export * from './tenancy.module';
export * from './dto/create-organization.dto';
export * from './dto/create-solution.dto';
export * from './dto/create-token.dto';
