// Writes the JSON Schema of config.json for editors. Run: npm run gen:schema
import { writeFile } from 'node:fs/promises';
import { configJsonSchemaText, JSON_SCHEMA_FILE } from '../src/engine/config/jsonSchema';

await writeFile(JSON_SCHEMA_FILE, configJsonSchemaText());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
