"""Documents of the case file: uploads and standard documents generated from templates, with 文号, versions, 呈批,
PDF and DOCX, full-text search and 移送."""
