"""Other tools' threat-model formats, one package each with its reader and writer side by side;
`registry` names every format (ours and theirs) with its extension, reader and writer."""
