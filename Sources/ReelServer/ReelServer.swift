// ReelServer
