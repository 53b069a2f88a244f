# Generated from schemas/references.schema.json by `make validators`; do not edit.
# ruff: noqa
# mypy: ignore-errors
VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_https___scoping_tui_dev_schemas_references_v1_json(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-07/schema#', '$id': 'https://scoping-tui.dev/schemas/references-v1.json', 'title': 'scoping-tui framework reference registry', 'description': 'The framework ids the knowledge base may cite, with their published titles.', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'frameworks'], 'properties': {'version': {'title': 'Format version', 'description': 'Always 1.', 'type': 'integer', 'enum': [1]}, 'frameworks': {'title': 'Frameworks', 'description': 'Each framework by key (the key threats and controls use under `references`).', 'type': 'object', 'additionalProperties': {'type': 'object', 'title': 'Framework', 'description': 'A framework and its ids.', 'additionalProperties': False, 'required': ['name', 'ids'], 'properties': {'name': {'type': 'string', 'title': 'Name', 'description': "The framework's published name and version."}, 'ids': {'type': 'object', 'title': 'Ids', 'description': 'Id → published title.', 'minProperties': 1, 'additionalProperties': {'type': 'string', 'title': 'Title', 'description': 'The published title.'}}}}}}}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['version', 'frameworks']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-07/schema#', '$id': 'https://scoping-tui.dev/schemas/references-v1.json', 'title': 'scoping-tui framework reference registry', 'description': 'The framework ids the knowledge base may cite, with their published titles.', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'frameworks'], 'properties': {'version': {'title': 'Format version', 'description': 'Always 1.', 'type': 'integer', 'enum': [1]}, 'frameworks': {'title': 'Frameworks', 'description': 'Each framework by key (the key threats and controls use under `references`).', 'type': 'object', 'additionalProperties': {'type': 'object', 'title': 'Framework', 'description': 'A framework and its ids.', 'additionalProperties': False, 'required': ['name', 'ids'], 'properties': {'name': {'type': 'string', 'title': 'Name', 'description': "The framework's published name and version."}, 'ids': {'type': 'object', 'title': 'Ids', 'description': 'Id → published title.', 'minProperties': 1, 'additionalProperties': {'type': 'string', 'title': 'Title', 'description': 'The published title.'}}}}}}}, rule='required')
        data_keys = set(data.keys())
        if "version" in data_keys:
            data_keys.remove("version")
            data__version = data["version"]
            if not isinstance(data__version, (int)) and not (isinstance(data__version, float) and data__version.is_integer()) or isinstance(data__version, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".version must be integer", value=data__version, name="" + (name_prefix or "data") + ".version", definition={'title': 'Format version', 'description': 'Always 1.', 'type': 'integer', 'enum': [1]}, rule='type')
            if not (isinstance(data__version, (int, float)) and not isinstance(data__version, bool) and data__version == 1):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".version must be one of [1]", value=data__version, name="" + (name_prefix or "data") + ".version", definition={'title': 'Format version', 'description': 'Always 1.', 'type': 'integer', 'enum': [1]}, rule='enum')
        if "frameworks" in data_keys:
            data_keys.remove("frameworks")
            data__frameworks = data["frameworks"]
            if not isinstance(data__frameworks, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".frameworks must be object", value=data__frameworks, name="" + (name_prefix or "data") + ".frameworks", definition={'title': 'Frameworks', 'description': 'Each framework by key (the key threats and controls use under `references`).', 'type': 'object', 'additionalProperties': {'type': 'object', 'title': 'Framework', 'description': 'A framework and its ids.', 'additionalProperties': False, 'required': ['name', 'ids'], 'properties': {'name': {'type': 'string', 'title': 'Name', 'description': "The framework's published name and version."}, 'ids': {'type': 'object', 'title': 'Ids', 'description': 'Id → published title.', 'minProperties': 1, 'additionalProperties': {'type': 'string', 'title': 'Title', 'description': 'The published title.'}}}}}, rule='type')
            data__frameworks_is_dict = isinstance(data__frameworks, dict)
            if data__frameworks_is_dict:
                data__frameworks_keys = set(data__frameworks.keys())
                for data__frameworks_key in data__frameworks_keys:
                    if data__frameworks_key not in []:
                        data__frameworks_value = data__frameworks.get(data__frameworks_key)
                        if not isinstance(data__frameworks_value, (dict)):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}".format(**locals()) + " must be object", value=data__frameworks_value, name="" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}".format(**locals()) + "", definition={'type': 'object', 'title': 'Framework', 'description': 'A framework and its ids.', 'additionalProperties': False, 'required': ['name', 'ids'], 'properties': {'name': {'type': 'string', 'title': 'Name', 'description': "The framework's published name and version."}, 'ids': {'type': 'object', 'title': 'Ids', 'description': 'Id → published title.', 'minProperties': 1, 'additionalProperties': {'type': 'string', 'title': 'Title', 'description': 'The published title.'}}}}, rule='type')
                        data__frameworks_value_is_dict = isinstance(data__frameworks_value, dict)
                        if data__frameworks_value_is_dict:
                            data__frameworks_value__missing_keys = set(['name', 'ids']) - data__frameworks_value.keys()
                            if data__frameworks_value__missing_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}".format(**locals()) + " must contain " + (str(sorted(data__frameworks_value__missing_keys)) + " properties"), value=data__frameworks_value, name="" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}".format(**locals()) + "", definition={'type': 'object', 'title': 'Framework', 'description': 'A framework and its ids.', 'additionalProperties': False, 'required': ['name', 'ids'], 'properties': {'name': {'type': 'string', 'title': 'Name', 'description': "The framework's published name and version."}, 'ids': {'type': 'object', 'title': 'Ids', 'description': 'Id → published title.', 'minProperties': 1, 'additionalProperties': {'type': 'string', 'title': 'Title', 'description': 'The published title.'}}}}, rule='required')
                            data__frameworks_value_keys = set(data__frameworks_value.keys())
                            if "name" in data__frameworks_value_keys:
                                data__frameworks_value_keys.remove("name")
                                data__frameworks_value__name = data__frameworks_value["name"]
                                if not isinstance(data__frameworks_value__name, (str)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}.name".format(**locals()) + " must be string", value=data__frameworks_value__name, name="" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}.name".format(**locals()) + "", definition={'type': 'string', 'title': 'Name', 'description': "The framework's published name and version."}, rule='type')
                            if "ids" in data__frameworks_value_keys:
                                data__frameworks_value_keys.remove("ids")
                                data__frameworks_value__ids = data__frameworks_value["ids"]
                                if not isinstance(data__frameworks_value__ids, (dict)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}.ids".format(**locals()) + " must be object", value=data__frameworks_value__ids, name="" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}.ids".format(**locals()) + "", definition={'type': 'object', 'title': 'Ids', 'description': 'Id → published title.', 'minProperties': 1, 'additionalProperties': {'type': 'string', 'title': 'Title', 'description': 'The published title.'}}, rule='type')
                                data__frameworks_value__ids_is_dict = isinstance(data__frameworks_value__ids, dict)
                                if data__frameworks_value__ids_is_dict:
                                    data__frameworks_value__ids_len = len(data__frameworks_value__ids)
                                    if data__frameworks_value__ids_len < 1:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}.ids".format(**locals()) + " must contain at least 1 properties", value=data__frameworks_value__ids, name="" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}.ids".format(**locals()) + "", definition={'type': 'object', 'title': 'Ids', 'description': 'Id → published title.', 'minProperties': 1, 'additionalProperties': {'type': 'string', 'title': 'Title', 'description': 'The published title.'}}, rule='minProperties')
                                    data__frameworks_value__ids_keys = set(data__frameworks_value__ids.keys())
                                    for data__frameworks_value__ids_key in data__frameworks_value__ids_keys:
                                        if data__frameworks_value__ids_key not in []:
                                            data__frameworks_value__ids_value = data__frameworks_value__ids.get(data__frameworks_value__ids_key)
                                            if not isinstance(data__frameworks_value__ids_value, (str)):
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}.ids.{data__frameworks_value__ids_key}".format(**locals()) + " must be string", value=data__frameworks_value__ids_value, name="" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}.ids.{data__frameworks_value__ids_key}".format(**locals()) + "", definition={'type': 'string', 'title': 'Title', 'description': 'The published title.'}, rule='type')
                            if data__frameworks_value_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}".format(**locals()) + " must not contain "+str(data__frameworks_value_keys)+" properties", value=data__frameworks_value, name="" + (name_prefix or "data") + ".frameworks.{data__frameworks_key}".format(**locals()) + "", definition={'type': 'object', 'title': 'Framework', 'description': 'A framework and its ids.', 'additionalProperties': False, 'required': ['name', 'ids'], 'properties': {'name': {'type': 'string', 'title': 'Name', 'description': "The framework's published name and version."}, 'ids': {'type': 'object', 'title': 'Ids', 'description': 'Id → published title.', 'minProperties': 1, 'additionalProperties': {'type': 'string', 'title': 'Title', 'description': 'The published title.'}}}}, rule='additionalProperties')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-07/schema#', '$id': 'https://scoping-tui.dev/schemas/references-v1.json', 'title': 'scoping-tui framework reference registry', 'description': 'The framework ids the knowledge base may cite, with their published titles.', 'type': 'object', 'additionalProperties': False, 'required': ['version', 'frameworks'], 'properties': {'version': {'title': 'Format version', 'description': 'Always 1.', 'type': 'integer', 'enum': [1]}, 'frameworks': {'title': 'Frameworks', 'description': 'Each framework by key (the key threats and controls use under `references`).', 'type': 'object', 'additionalProperties': {'type': 'object', 'title': 'Framework', 'description': 'A framework and its ids.', 'additionalProperties': False, 'required': ['name', 'ids'], 'properties': {'name': {'type': 'string', 'title': 'Name', 'description': "The framework's published name and version."}, 'ids': {'type': 'object', 'title': 'Ids', 'description': 'Id → published title.', 'minProperties': 1, 'additionalProperties': {'type': 'string', 'title': 'Title', 'description': 'The published title.'}}}}}}}, rule='additionalProperties')
    return data

validate = validate_https___scoping_tui_dev_schemas_references_v1_json
