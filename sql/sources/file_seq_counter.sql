create sequence if not exists file_seq_counter start 1;
