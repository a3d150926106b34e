// Generated from openapi.yaml by `npm run console:generate`; do not edit (test/console/generated.test.ts checks it).
/** components.schemas.IntegrationSettings of openapi.yaml, for the check as the administrator types. */
export const INTEGRATION_SETTINGS_SCHEMA = {
  "type": "object",
  "additionalProperties": false,
  "required": [
    "paymentrules",
    "paymentmethod_name"
  ],
  "properties": {
    "paymentrules": {
      "type": "array",
      "minItems": 1,
      "maxItems": 50,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "minProperties": 1,
        "properties": {
          "status": {
            "type": [
              "string",
              "null"
            ],
            "minLength": 1,
            "maxLength": 64
          },
          "gateway": {
            "type": [
              "string",
              "null"
            ],
            "minLength": 1,
            "maxLength": 64
          }
        }
      }
    },
    "paymentmethod_name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 100
    },
    "paymentmethod_id": {
      "type": [
        "string",
        "null"
      ],
      "pattern": "^[A-Za-z0-9_.-]+$",
      "maxLength": 50
    },
    "encoding": {
      "enum": [
        "UTF-8",
        "windows-1251",
        null
      ]
    },
    "bom": {
      "type": [
        "boolean",
        "null"
      ]
    },
    "batch_size": {
      "type": [
        "integer",
        "null"
      ],
      "minimum": 1,
      "maximum": 50000
    },
    "export_from": {
      "type": [
        "string",
        "null"
      ],
      "format": "date"
    },
    "currency": {
      "type": [
        "string",
        "null"
      ],
      "minLength": 3,
      "maxLength": 3
    },
    "timezone": {
      "type": [
        "string",
        "null"
      ]
    },
    "schema_version": {
      "enum": [
        "2.08",
        "3.1",
        null
      ]
    }
  }
} as const
