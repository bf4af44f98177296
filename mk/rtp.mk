# mk/rtp.mk - (filled by the rtp module)
