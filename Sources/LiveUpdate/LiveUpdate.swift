// placeholder until the storage format lands
