module "route_grpc" {
  source = "./route_grpc"
}

module "node_outlier_detection" {
  source = "./node_outlier_detection"
}

module "node_cloud_map" {
  source = "./node_cloud_map"
}

module "gateway_tls_file" {
  source = "./gateway_tls_file"
}
